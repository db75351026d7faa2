import Testing

@Suite struct AvroPlaceholderTests {}
