// Element sets to text in one of the supported formats (TLE, OMM KVN / XML / JSON).

#include "vantage/io/element_writer.hpp"

#include <algorithm>
#include <cctype>

#include "vantage/io/omm.hpp"
#include "vantage/io/tle.hpp"

namespace vantage::io {

std::optional<ElementOutputFormat> parse_element_output_format(std::string_view name)
{
    if (name == "tle") {
        return ElementOutputFormat::tle;
    }
    if (name == "omm-kvn") {
        return ElementOutputFormat::omm_kvn;
    }
    if (name == "omm-xml") {
        return ElementOutputFormat::omm_xml;
    }
    if (name == "omm-json") {
        return ElementOutputFormat::omm_json;
    }
    return std::nullopt;
}

std::optional<ElementOutputFormat> element_format_for_path(const std::filesystem::path &path)
{
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".tle" || ext == ".txt" || ext == ".3le") {
        return ElementOutputFormat::tle;
    }
    if (ext == ".kvn" || ext == ".omm") {
        return ElementOutputFormat::omm_kvn;
    }
    if (ext == ".xml") {
        return ElementOutputFormat::omm_xml;
    }
    if (ext == ".json") {
        return ElementOutputFormat::omm_json;
    }
    return std::nullopt;
}

std::string format_element_sets(const std::vector<orbits::ElementSet> &elements, ElementOutputFormat format)
{
    std::string out;
    switch (format) {
    case ElementOutputFormat::tle:
        for (const auto &e : elements) {
            const auto lines = format_tle(e);
            out += e.object_name.empty() ? std::string("UNKNOWN") : e.object_name;
            out += '\n';
            out += lines[0];
            out += '\n';
            out += lines[1];
            out += '\n';
        }
        return out;
    case ElementOutputFormat::omm_kvn:
        for (std::size_t i = 0; i < elements.size(); ++i) {
            if (i > 0) {
                out += '\n';
            }
            out += format_omm_kvn(elements[i]);
        }
        return out;
    case ElementOutputFormat::omm_xml:
        return format_omm_xml(elements);
    case ElementOutputFormat::omm_json:
        return format_omm_json(elements);
    }
    return out;
}

} // namespace vantage::io
