import numpy as np
import pytest

from optviz import features, userdata


def test_csv_with_header_and_text_labels():
    X, y, names = userdata.parse_csv(b"x,y,label\n0,0,a\n1,1,b\n0,1,a\n1,0,b\n")
    np.testing.assert_array_equal(X, [[0, 0], [1, 1], [0, 1], [1, 0]])
    assert list(y) == [0, 1, 0, 1] and names == ["a", "b"]


def test_numeric_labels_sort_numerically():
    _, y, names = userdata.parse_csv("0,0,10\n1,1,2\n0,1,2\n1,0,10\n")
    assert names == ["2", "10"] and list(y) == [1, 0, 0, 1]


@pytest.mark.parametrize("raw,match", [
    (b"", "empty"), ("x,y,c\n0,0,a\n", "at least 4"), ("0,0\n1,1\n0,1\n1,0\n", "need x, y and a label"),
    ("0,0,a\n1,1,a\n0,1,a\n1,0,a\n", "single class"), ("0,0,a\n1,zz,b\n0,1,a\n1,0,b\n", "not a number"),
    ("0,0,a\n" * 6000, "too many rows"), (b"\xff\xfe\x00", "UTF-8"), (b"1" * 2_000_000, "too large"),
    ("\n".join(f"{i},{i},{i}" for i in range(12)), "too many classes"),
    ("0,inf,a\n1,1,b\n0,1,a\n1,0,b\n", "finite"),
    (b"a" * 200_000, "cannot be read as CSV: field larger than field limit"),
    ("x,y,c\n0,0,a\n1,1,b\n0,1,a\n1,0," + "b" * 200_000 + "\n", "line 5 cannot be read as CSV"),
    ("0,0,a\n1,1,b\n0,1,a\x00\n1,0,b\n", "NUL byte"),
    ("0,0,a\n1,1,\n0,1,a\n1,0,b\n", "row 2 has an empty label"),
    ("0,0,a\n1,1, \n0,1,a\n1,0,b\n", "row 2 has an empty label"),
])
def test_bad_files_get_clear_messages(raw, match):
    with pytest.raises(ValueError, match=match):
        userdata.parse_csv(raw)


def test_feature_expansion():
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    out = features.expand(X, ["x2", "xy", "siny"])
    np.testing.assert_allclose(out, [[1, 2, 1, 2, np.sin(2)], [0.5, -1, 0.25, -0.5, np.sin(-1)]])
    assert features.expand(X, []) is not None and features.expand(X, []).shape == (2, 2)
    with pytest.raises(ValueError, match="unknown feature"):
        features.expand(X, ["z"])


def test_every_refusal_has_a_code_with_a_message_in_both_catalogs():
    from optviz import i18n
    from optviz.userdata import MESSAGES, UserDataError
    for code in MESSAGES:
        assert f"userdata.{code}" in i18n.catalog("en") and f"userdata.{code}" in i18n.catalog("ja")
    with pytest.raises(UserDataError) as info:
        userdata.parse_csv("x,y,label\n1,2,a\n3,4,b\nq,5,a\n6,7,b\n")
    assert info.value.code == "not_number" and info.value.params["row"] == 3
    assert i18n.t("userdata.not_number", "ja", **info.value.params).startswith("3 行目: `q`")
