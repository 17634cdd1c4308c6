"""Chinese line breaking in the PDF: any character may start a line except closing punctuation,
numbers and Latin words stay whole, and a comparison stays with its number."""

from dashboard.report.render_pdf import break_lines


def width(text: str) -> float:  # one unit per character: easy to count by hand
    return len(text)


def test_lines_break_between_chinese_characters_at_the_width():
    assert break_lines("一二三四五六七八九十", 4, width) == ["一二三四", "五六七八", "九十"]


def test_closing_punctuation_takes_the_character_before_it_to_the_next_line():
    # "四" would fit on the first line, but "。" may not begin the second: both move down
    assert break_lines("一二三四。五六", 4, width) == ["一二三", "四。五六"]
    assert break_lines("一二三四”五", 4, width) == ["一二三", "四”五"]


def test_opening_punctuation_does_not_end_a_line():
    assert break_lines("一二三（四五）", 4, width) == ["一二三", "（四五）"]


def test_numbers_and_words_stay_whole_and_a_comparison_stays_with_its_number():
    assert break_lines("目标 ≥ 90% 达标", 6, width) == ["目标", "≥ 90%", "达标"]  # "≥ 90% 达" is 7 wide
    assert break_lines("区间 81.8%–89.8% 内", 8, width) == ["区间", "81.8%–89.8%", "内"]


def test_explicit_newlines_are_kept_and_no_line_starts_with_a_space():
    assert break_lines("ab cd\n一二", 3, width) == ["ab", "cd", "一二"]


def test_a_run_of_closing_punctuation_goes_down_with_the_character_before_it():
    # "，" does not fit on the first line; "]" may not begin the next one either: "4]，" moves down
    assert break_lines("一二[3, 4]，五", 7, width) == ["一二[3,", "4]，五"]


def test_a_p_value_stays_whole():
    # "不显著（p" would fit in 12 but "p = 0.190" is one unit; "（" may not end the first line
    assert break_lines("不显著（p = 0.190）", 12, width) == ["不显著", "（p = 0.190）"]
