import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.avro)
