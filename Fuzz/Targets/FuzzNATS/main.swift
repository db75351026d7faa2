import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.nats)
