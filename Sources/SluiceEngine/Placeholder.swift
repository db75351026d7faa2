import SluiceCore
import SQLiteNIO; import ServiceLifecycle
