import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.jsonDocument)
