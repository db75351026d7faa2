import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.ndjson)
