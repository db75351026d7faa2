import Testing

@Suite struct XLSXPlaceholderTests {}
