enum AvroModule {}
