namespace vantage::orbits { void placeholder() {} }
