import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.codecs)
