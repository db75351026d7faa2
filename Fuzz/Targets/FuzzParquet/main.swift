import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.parquet)
