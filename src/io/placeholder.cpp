namespace vantage::io { void placeholder() {} }
