import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.json)
