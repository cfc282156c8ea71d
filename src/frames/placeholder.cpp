namespace vantage::frames { void placeholder() {} }
