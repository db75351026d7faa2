import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.expression)
