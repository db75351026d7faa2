import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.jobSpec)
