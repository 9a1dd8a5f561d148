"""Height carried across ages along the median curve."""

import numpy as np

from homeward.engines.linkage.growth import median_height, predicted_height


def test_median_table_values_and_interpolation() -> None:
    assert float(median_height(5.0, 1)) == 111.3
    assert float(median_height(5.0, 2)) == 110.2
    assert np.isclose(float(median_height(5.5, 1)), (111.3 + 117.7) / 2)
    assert float(median_height(40.0, 1)) == 172.7  # adults keep the 18-year median


def test_child_on_the_median_stays_on_it() -> None:
    assert np.isclose(float(predicted_height(111.3, 5.0, 10.0, 1)), 140.2)
    # 10 % above the median at 5 stays 10 % above at 10
    assert np.isclose(float(predicted_height(111.3 * 1.1, 5.0, 10.0, 1)), 140.2 * 1.1)
