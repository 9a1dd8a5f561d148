"""Height consistency between a child's height when missing and a found person's height now.

A child keeps roughly the same height centile while growing, so the height reported at age
``a0`` is carried to age ``a1`` by the ratio of the median heights of those ages. Medians are
rounded values of the 2005 national growth survey as published in Li Hui et al., 中国0～18岁
儿童、青少年身高、体重的标准化生长曲线, 中华儿科杂志 2009;47(7):487-492 (ages 0-18; the 18-year
median is used for adults).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

AGES = np.arange(0, 19, dtype=np.float64)
MEDIAN_CM = {
    "M": np.array(
        [50.4, 76.5, 88.5, 97.5, 104.1, 111.3, 117.7, 124.0, 130.0, 135.4, 140.2, 145.3, 151.9, 159.5,
         165.9, 169.8, 171.6, 172.3, 172.7]
    ),
    "F": np.array(
        [49.7, 75.0, 87.2, 96.3, 103.1, 110.2, 116.6, 122.5, 128.5, 134.1, 140.1, 146.6, 152.4, 156.3,
         158.6, 159.8, 160.1, 160.3, 160.6]
    ),
}  # fmt: skip
_BOTH = (MEDIAN_CM["M"] + MEDIAN_CM["F"]) / 2

Floats = npt.NDArray[np.float64]


# The three curves (both sexes, male, female) laid end to end 20 years apart, so that one
# interpolation serves a mixed array of sexes: a clipped age plus 20 * sex never reaches the
# next curve.
_ALL_AGES = np.concatenate([AGES, AGES + 20.0, AGES + 40.0])
_ALL_CM = np.concatenate([_BOTH, MEDIAN_CM["M"], MEDIAN_CM["F"]])


def median_height(age: Floats | float, sex: npt.NDArray[np.int8] | int) -> Floats:
    """Median height (cm) at ``age`` years; ``sex`` 1 male, 2 female, 0 unknown (mean of both)."""
    a = np.clip(np.asarray(age, dtype=np.float64), 0.0, 18.0)
    s = np.clip(np.asarray(sex, dtype=np.float64), 0.0, 2.0)
    return np.asarray(np.interp(a + 20.0 * s, _ALL_AGES, _ALL_CM), dtype=np.float64)


def predicted_height(
    height_then: Floats | float,
    age_then: Floats | float,
    age_now: Floats | float,
    sex: npt.NDArray[np.int8] | int,
) -> Floats:
    """Height expected at ``age_now`` for a child of ``height_then`` cm at ``age_then``."""
    return np.asarray(height_then) * median_height(age_now, sex) / median_height(age_then, sex)
