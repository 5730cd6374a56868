import numpy as np
import pytest

from optviz import features, userdata
from optviz.userdata import UserDataError

SEPS = [",", ";", "\t"]
ENDINGS = ["\n", "\r\n", "\r"]
ROWS = [("0", "0", "a"), ("1", "1", "b"), ("0", "1", "a"), ("1", "0.5", "b")]


def csv_text(rows, sep=",", end="\n"):
    return "".join(sep.join(r) + end for r in rows)


def refusal(raw) -> UserDataError:
    with pytest.raises(UserDataError) as info:
        userdata.parse_csv(raw)
    return info.value


def test_csv_with_header_and_text_labels():
    X, y, names = userdata.parse_csv(b"x,y,label\n0,0,a\n1,1,b\n0,1,a\n1,0,b\n")
    np.testing.assert_array_equal(X, [[0, 0], [1, 1], [0, 1], [1, 0]])
    assert list(y) == [0, 1, 0, 1] and names == ["a", "b"]


def test_numeric_labels_sort_numerically():
    _, y, names = userdata.parse_csv("0,0,10\n1,1,2\n0,1,2\n1,0,10\n")
    assert names == ["2", "10"] and list(y) == [1, 0, 0, 1]


@pytest.mark.parametrize("sep", SEPS)
@pytest.mark.parametrize("end", ENDINGS)
@pytest.mark.parametrize("header", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_separators_and_line_endings_read_alike(sep, end, header, bom):
    text = csv_text(([("x", "y", "label")] if header else []) + ROWS, sep, end)
    raw = ("\ufeff" if bom else "") + text
    for data in (raw, raw.encode("utf-8")):
        X, y, names = userdata.parse_csv(data)
        np.testing.assert_array_equal(X, [[0, 0], [1, 1], [0, 1], [1, 0.5]])
        assert list(y) == [0, 1, 0, 1] and names == ["a", "b"]


@pytest.mark.parametrize("sep", [";", "\t"])
@pytest.mark.parametrize("end", ENDINGS)
def test_decimal_commas_with_semicolon_or_tab_separators(sep, end):
    rows = [("1,5", "2,0", "a"), ("-0,25", "3", "b"), ("0", ",5", "a"), ("1.5", "2", "b")]
    X, y, names = userdata.parse_csv(csv_text([("x", "y", "label")] + rows, sep, end))
    np.testing.assert_array_equal(X, [[1.5, 2.0], [-0.25, 3], [0, 0.5], [1.5, 2]])
    assert names == ["a", "b"]


@pytest.mark.parametrize("cell,column", [('"1,5",0,a', 1), ('0,"2,25",a', 2)])
def test_a_decimal_comma_in_a_comma_separated_file_says_what_to_change(cell, column):
    e = refusal("x,y,label\n0,0,a\n" + cell + "\n1,1,b\n0,1,b\n")
    assert e.code == "decimal_comma" and e.params["line"] == 3 and e.params["column"] == column
    assert "decimal point" in str(e) and "semicolons" in str(e)


@pytest.mark.parametrize("end", ENDINGS)
def test_cr_line_endings_are_lines_not_csv_jargon(end):
    e = refusal(csv_text([("x", "y", "c"), ("0", "0", "a"), ("1", "zz", "b"), ("0", "1", "a"), ("1", "0", "b")],
                         end=end))
    assert e.code == "not_number" and e.params["line"] == 3 and "new-line" not in str(e)


@pytest.mark.parametrize("sep", SEPS)
@pytest.mark.parametrize("first,result", [
    (("x", "y", "label"), "header"), (("X coordinate", "Y coordinate", "class"), "header"),
    (("1", "2", "abc"), "data"), (("1e-3", "-2", "label"), "data"),
    (("abc", "1", "0"), ("not_number_header", 1)), (("1", "abc", "0"), ("not_number_header", 2)),
    (("", "", "a"), ("empty_value", 1)), (("1", " ", "a"), ("empty_value", 2)),
])
def test_a_header_has_names_in_both_feature_columns_and_other_lines_are_data(sep, first, result):
    text = csv_text([first] + ROWS, sep)
    if isinstance(result, tuple):
        e = refusal(text)
        assert (e.code, e.params["line"], e.params["column"]) == (result[0], 1, result[1])
        assert e.code == "empty_value" or e.params["value"] == first[result[1] - 1] and "header" in str(e)
        return
    X, y, names = userdata.parse_csv(text)
    assert len(X) == (4 if result == "header" else 5)
    if result == "data":
        assert names[y[0]] == first[2] and list(X[0]) == [float(first[0]), float(first[1])]


@pytest.mark.parametrize("sep", SEPS)
@pytest.mark.parametrize("spellings,name", [
    (("1", "1.0"), "1"), (("1.0", "1"), "1"), (("01", "1"), "1"), (("2e0", "2.00"), "2e0"), (("-0", "0"), "0"),
])
def test_labels_equal_as_numbers_are_one_class(sep, spellings, name):
    a, b = spellings
    _, y, names = userdata.parse_csv(csv_text([("0", "0", a), ("1", "1", b), ("0", "1", "7"), ("1", "0", a)], sep))
    assert names == [name, "7"] and list(y) == [0, 0, 1, 0]


def test_decimal_comma_labels_equal_decimal_point_labels_with_semicolons():
    _, y, names = userdata.parse_csv("0;0;1,5\n1;1;1.5\n0;1;2\n1;0;2,0\n")
    assert names == ["1,5", "2"] and list(y) == [0, 0, 1, 1]


@pytest.mark.parametrize("raw", [
    "," * 999_999, b"," * 1_000_000, ";;;\n;;;\n", "\t\t\n\t\t\n", ", ,\n , , \n", ",,\r,,\r\n,,", " \r\n \r",
])
def test_rows_of_separators_only_have_no_values_rather_than_being_empty(raw):
    e = refusal(raw)
    assert e.code == "no_values" and "no values" in str(e) and "empty" not in str(e)


@pytest.mark.parametrize("raw", [b"", "", "\n\n", "\r\n\r", b"\xef\xbb\xbf"])
def test_an_empty_file_is_empty(raw):
    assert refusal(raw).code == "empty"


@pytest.mark.parametrize("sep", SEPS)
@pytest.mark.parametrize("bad_row,columns", [(("1", "1", "2", "b"), 4), (("1", "1", "b", "x", "y"), 5),
                                             (("1", "b"), 2), (("1",), 1)])
def test_a_line_with_other_than_three_columns_is_refused_by_line(sep, bad_row, columns):
    e = refusal(csv_text([("x", "y", "label"), ROWS[0], ROWS[1], bad_row, ROWS[2], ROWS[3]], sep))
    assert e.code == "columns" and e.params == {"line": 4, "columns": columns}
    assert f"line 4 has the wrong number of columns ({columns}); need 3 (x, y, label)" in str(e)


@pytest.mark.parametrize("sep", SEPS)
def test_empty_cells_after_the_label_are_no_extra_column(sep):
    X, _, names = userdata.parse_csv(csv_text([r + ("", "") for r in ROWS], sep))
    assert len(X) == 4 and names == ["a", "b"]


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e7", "-1000001", "1e400", "-1e400"])
@pytest.mark.parametrize("column", [1, 2])
def test_features_the_network_cannot_use_are_refused(value, column):
    row = [value, "0", "b"] if column == 1 else ["0", value, "b"]
    e = refusal(csv_text([ROWS[0], ROWS[1], row, ROWS[2], ROWS[3]]))
    assert e.code == "too_big" and (e.params["line"], e.params["column"]) == (3, column)
    assert "1,000,000" in str(e)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "NaN"])
def test_not_finite_features_name_line_and_column(value):
    e = refusal(csv_text([ROWS[0], ("0", value, "b"), ROWS[1], ROWS[2]]))
    assert e.code == "not_finite" and (e.params["line"], e.params["column"]) == (2, 2)


def test_the_largest_allowed_features_are_read():
    X, _, _ = userdata.parse_csv("1e6,-1000000,a\n0,0,b\n1,1,a\n0,1,b\n")
    assert X[0].tolist() == [1e6, -1e6]


# Each refusal about one line names the line as an editor numbers it: the header, blank lines and
# lines of separators only count.
PREFIX = ["x;y;label", "", "0;0;a", ";;", "1;1;b"]  # the bad line is line 6


@pytest.mark.parametrize("end", ENDINGS)
@pytest.mark.parametrize("bad,code,column", [
    ("1;zz;b", "not_number", 2), ("1;;b", "empty_value", 2), (";1;b", "empty_value", 1),
    ("1;1;", "empty_label", None), ("1;1;b;c", "columns", None), ("1;1e9;b", "too_big", 2),
    ("nan;1;b", "not_finite", 1), ("1;1;\"b", "unclosed_quote", None),
])
def test_every_refusal_about_a_line_names_it_as_in_the_file(end, bad, code, column):
    text = end.join(PREFIX + [bad, "0;1;a", "1;0;b", ""])
    e = refusal(text)
    assert e.code == code and e.params["line"] == 6 and "line 6" in str(e)
    assert e.params.get("column") == column
    if column is not None:
        assert f"column {column}" in str(e)


def test_a_cell_quoted_in_a_message_is_cut():
    e = refusal("0,0,a\n1," + "q" * 500 + ",b\n0,1,a\n1,0,b\n")
    assert e.code == "not_number" and len(e.params["value"]) <= 30 and e.params["value"].startswith("qqq")


@pytest.mark.parametrize("raw,match", [
    (b"", "empty"), ("x,y,c\n0,0,a\n", "need at least 4 data rows; the file has 1"),
    ("0,0\n1,1\n0,1\n1,0\n", "line 1 has the wrong number of columns"),
    ("0,0,a\n1,1,a\n0,1,a\n1,0,a\n", "single class"), ("0,0,a\n1,zz,b\n0,1,a\n1,0,b\n", "not a number"),
    ("0,0,a\n" * 6000, "too many rows"), (b"\xff\xfe\x00", "UTF-8"), (b"1" * 2_000_000, "too large"),
    ("\n".join(f"{i},{i},{i}" for i in range(12)), "too many classes"),
    ("0,inf,a\n1,1,b\n0,1,a\n1,0,b\n", "finite"),
    (b"a" * 200_000, "line 1 cannot be read as CSV: a cell is longer than 131,072 characters"),
    ("x,y,c\n0,0,a\n1,1,b\n0,1,a\n1,0," + "b" * 200_000 + "\n", "line 5 cannot be read as CSV"),
    ("0,0,a\n1,1,b\n0,1,a\x00\n1,0,b\n", "NUL byte"),
    ("0,0,a\n1,1,\n0,1,a\n1,0,b\n", "line 2 has an empty label"),
    ("0,0,a\n1,1, \n0,1,a\n1,0,b\n", "line 2 has an empty label"),
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


# One file for each refusal: every code is reachable, and its catalog messages take its params.
EXAMPLES = {
    "too_large": b"1" * 2_000_000, "not_utf8": b"\xff\xfe", "nul": "0,0,a\x00", "empty": "",
    "cell_too_long": "0,0," + "b" * 200_000, "unclosed_quote": '0,0,"a\n1,1,b\n', "no_values": ",,\n,,",
    "too_many_rows": "0,0,a\n" * 6000, "too_few_rows": "0,0,a\n1,1,b\n", "columns": "0,0,a,b\n",
    "not_number": "0,0,a\n1,x,b\n", "not_number_header": "x,1,a\n", "decimal_comma": '"1,5",0,a\n',
    "empty_value": "0,,a\n", "empty_label": "0,0,\n", "not_finite": "nan,0,a\n", "too_big": "1e9,0,a\n",
    "single_class": "0,0,a\n1,1,a\n0,1,a\n1,0,a\n", "too_many_classes": "\n".join(f"{i},{i},{i}" for i in range(12)),
}


def test_every_refusal_has_a_code_with_a_message_in_both_catalogs():
    from optviz import i18n
    from optviz.userdata import MESSAGES
    assert set(EXAMPLES) | {"unreadable"} == set(MESSAGES)  # unreadable: a csv.Error other than the field limit
    for code, raw in EXAMPLES.items():
        e = refusal(raw)
        assert e.code == code
        for lang in ("en", "ja"):
            assert f"userdata.{code}" in i18n.catalog(lang)
            assert "⟦" not in i18n.t(f"userdata.{code}", lang, **e.params)
    assert "userdata.unreadable" in i18n.catalog("en") and "userdata.unreadable" in i18n.catalog("ja")
    e = refusal("x,y,label\n1,2,a\n3,4,b\nq,5,a\n6,7,b\n")
    assert e.code == "not_number" and e.params == {"line": 4, "column": 1, "value": "q"}
    assert i18n.t("userdata.not_number", "ja", **e.params) == "4 行目 1 列目: `q` は数値ではありません"
    assert i18n.t("userdata.not_number", "en", **e.params) == "line 4, column 1: `q` is not a number"
