import Testing

@Suite struct CodecsPlaceholderTests {}
