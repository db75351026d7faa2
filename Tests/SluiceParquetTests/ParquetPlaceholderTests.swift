import Testing

@Suite struct ParquetPlaceholderTests {}
