import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.resp)
