#include "vantage/io/elements.hpp"

#include "text_util.hpp"

namespace vantage::io {

std::string_view to_string(ElementFormat format) noexcept
{
    switch (format) {
    case ElementFormat::tle: return "tle";
    case ElementFormat::omm_kvn: return "omm-kvn";
    case ElementFormat::omm_xml: return "omm-xml";
    case ElementFormat::omm_json: return "omm-json";
    case ElementFormat::omm_csv: return "omm-csv";
    }
    return "unknown";
}

ElementFormat detect_element_format(std::string_view text)
{
    const auto omm = detect_omm_syntax(text);
    if (!omm) {
        return ElementFormat::tle;
    }
    switch (*omm) {
    case OmmSyntax::kvn: return ElementFormat::omm_kvn;
    case OmmSyntax::xml: return ElementFormat::omm_xml;
    case OmmSyntax::json: return ElementFormat::omm_json;
    case OmmSyntax::csv: return ElementFormat::omm_csv;
    }
    return ElementFormat::tle;
}

ParseResult<ElementRecord> parse_elements_text(std::string_view text, const std::string &source_name,
                                               const TleReadOptions &tle_opts)
{
    ParseResult<ElementRecord> r = detect_element_format(text) == ElementFormat::tle
                                       ? parse_tle_text(text, source_name, tle_opts)
                                       : parse_omm_text(text, source_name);
    if (r.items.empty() && r.rejected.empty()) {
        r.warnings.push_back(Diagnostic{Severity::warning, ErrorCode::syntax, "no element sets found",
                                        ErrorContext{source_name, 0, {}, {}}});
    }
    return r;
}

ParseResult<ElementRecord> read_elements_file(const std::filesystem::path &path, const TleReadOptions &tle_opts)
{
    const std::string text = detail::read_text_file(path);
    return parse_elements_text(text, path.string(), tle_opts);
}

} // namespace vantage::io
