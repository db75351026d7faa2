import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.xlsx)
