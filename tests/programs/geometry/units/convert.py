from .. import units as parent_units
import geometry as top
print("convert init:", __name__, __package__, parent_units.__name__, top.__name__)


def to_cm(metres):
    return metres * 100
