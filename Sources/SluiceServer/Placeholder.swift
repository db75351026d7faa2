import SluiceCore
import Hummingbird
