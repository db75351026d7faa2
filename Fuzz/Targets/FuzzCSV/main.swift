import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.csv)
