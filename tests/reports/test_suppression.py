"""Small counts in the CSV: 1 to 4 written "<5", and never one hidden count that a total would give away."""

from hypothesis import given
from hypothesis import strategies as st

from reports.tables import Column, Row, Table


def column_table(values: list[int]) -> Table:
    column = Column("count", "Count")
    return Table(
        key="t",
        title="T",
        row_heading="Row",
        columns=[column],
        rows=[Row(f"r{index}", {"count": value}) for index, value in enumerate(values)],
        total=Row("Total", {"count": sum(values)}),
    )


def grid_table(grid: list[list[int]]) -> Table:
    """Rows of parts with a row total in the first column, and a total row: a table with totals both ways."""
    parts = [f"p{index}" for index in range(len(grid[0]))]
    columns = [Column("total", "Total", sum_of=tuple(parts)), *(Column(key, key) for key in parts)]

    def values(cells: list[int]) -> dict:
        return {"total": sum(cells), **dict(zip(parts, cells, strict=True))}

    return Table(
        key="g",
        title="G",
        row_heading="Row",
        columns=columns,
        rows=[Row(f"r{index}", values(cells)) for index, cells in enumerate(grid)],
        total=Row("Total", values([sum(column) for column in zip(*grid, strict=True)])),
    )


def written(table: Table) -> list:
    return [value for _, _, _, value in table.csv_rows()]


def test_counts_from_1_to_4_are_written_as_less_than_5_and_zero_as_zero():
    assert written(column_table([0, 7, 9])) == [0, 7, 9, 16]
    assert written(column_table([0, 4, 1])) == [0, "<5", "<5", 5]


def test_a_single_small_count_hides_the_next_smallest_so_the_total_does_not_give_it_away():
    # 3 hidden alone: 35 − 12 − 20 would be 3. The smallest other count, 12, is hidden with it; the total stays.
    assert written(column_table([3, 12, 20])) == ["<5", "<5", 20, 35]


def test_a_total_below_5_is_hidden_too():
    assert written(column_table([2, 0])) == ["<5", 0, "<5"]


def test_hiding_a_count_for_a_row_total_spreads_to_its_column():
    # Row r0: 12 = 9 + 3; 3 is hidden, so 9 is hidden with it. Column p0 then has one hidden count (9): its next
    # smallest, 10 in r1, is hidden too, and r1's row then hides its smallest other part, 6.
    table = grid_table([[9, 3], [10, 6]])
    hidden = table.hidden_cells()
    assert hidden == {(0, "p0"), (0, "p1"), (1, "p0"), (1, "p1")}
    rows = {(row, column): value for _, row, column, value in table.csv_rows()}
    assert rows[("r0", "Total")] == 12 and rows[("r1", "Total")] == 16 and rows[("Total", "Total")] == 28


def test_shares_and_times_computed_from_a_hidden_count_are_left_out():
    table = Table(
        key="t",
        title="T",
        row_heading="Row",
        columns=[Column("n", "Answers"), Column("share", "Share", kind="percent", depends_on=("n",))],
        rows=[Row("few", {"n": 3, "share": 0.5}), Row("many", {"n": 8, "share": 0.25})],
    )
    assert written(table) == ["<5", "", 8, 25]


@given(
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=5), min_size=1, max_size=6).filter(
        lambda grid: len({len(row) for row in grid}) == 1
    )
)
def test_no_row_or_column_ever_has_exactly_one_hidden_count(grid):
    table = grid_table(grid)
    hidden = table.hidden_cells()
    rows = table.all_rows
    count_keys = [column.key for column in table.columns]
    for index, row in enumerate(rows):
        for key in count_keys:
            value = row.values[key]
            assert ((index, key) in hidden) >= (0 < value < 5)  # every small count is hidden
            if value == 0:
                assert (index, key) not in hidden  # and zero is never needed to hide anything
        line = [(index, key) for key in count_keys]
        assert sum(cell in hidden for cell in line) != 1
    for key in count_keys:
        line = [(index, key) for index in range(len(rows))]
        assert sum(cell in hidden for cell in line) != 1
