import SluiceFuzzDriver
import SluiceFuzzing

runFuzzer(FuzzEntryPoints.cron)
