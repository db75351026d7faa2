enum XLSXModule {}
