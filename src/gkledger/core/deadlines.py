"""The deadline grammar: a 完成时限 text to the date it means. Pure; no guessing.

    YYYY年M月底 / M月底 / M月末          last day of that month
    YYYY年M月 / M月 / M月份              the same: "2022年11月" is done within November
    YYYY年M月D日[前] / M月D日[前]       that day (deadlines are inclusive: "9月30日前" includes 30 Sept)
    2022/9/30, 2022.9.30, 2022-09-30    that day, as spreadsheets write it
    年底 / 年末 / 年内 / 年底前          31 Dec of the year (the plan year unless written)
    本年度 / 今年底 / 2022年 / 2022年度    the same: within that year
    上半年 / 下半年                      30 Jun / 31 Dec
    第N季度[末] / N季度末                end of that quarter
    全年持续推进 / 持续推进 / 长期 / 常态化   ongoing; reviewed at the end of the plan year (31 Dec)
    全年 / 随时 / 及时 / 变动即更 / 按要求 …    the same: continuous work, however an office words it
    文件印发后及时公开 / 与文件同步           the same: at an event's own time, not the calendar's
    信息形成或变更之日起20个工作日内          the same: timing that follows an event, not the calendar
    1月-2月 / 2022年3月至4月              a window: due at its end

A year may be written before any form (2021年12月底, 2021年底前), months and quarters in Arabic or
Chinese numerals, digits full width or not; a trailing 前, 之前, 以前, 完成, 前完成 and final
punctuation are allowed.

Recurring deadlines are owed once per period of the plan year, each period labelled by what it
closes (2022-07, 2022-Q3, 2022-H2) and due on the day rrule gives:

    每月N日前 / 每月底                   each month                   每半年        30 Jun, 31 Dec
    每季度末 / 每季度首月N日前             each quarter                 每年N月底前   once, a plain date
                                                                     每年10月, 每年1月-2月, 每年一季度
    自2022年7月起… / 下半年… / 上半年…      only the periods from then, or in that half

Anything else is an error, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from gkledger.core.dates import FIRST_YEAR, LAST_YEAR, in_range
from gkledger.core.model import Deadline, Period
from gkledger.i18n import _, _f

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_NUM = r"(\d{1,2}|十[一二]?|[一二三四五六七八九十])"
_YEAR = r"(?:(\d{4})年)?"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}{_NUM}月(?:底|末|份?底|份)?$"), "month_end"),
    (re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$"), "numeric_day"),
    (
        re.compile(
            rf"^{_YEAR}{_NUM}月(\d{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]$"
        ),
        "day",
    ),
    # 年底, 2022年底, 2022年 / 2022年度 (within that year), 本年度, 今年底, 至年底
    (
        re.compile(
            r"^(?:(\d{4})年(?:度)?(?:底|末|内|度内)?|(?:本|今|至|到)?年(?:度)?(?:底|末|内)|本年度?|今年)$"
        ),
        "year_end",
    ),
    (re.compile(rf"^{_YEAR}(?:上半年(?:底|末)?|年中)$"), "first_half"),
    (re.compile(rf"^{_YEAR}{_NUM}月(上|中|下)旬(?:末)?$"), "ten_days"),
    (re.compile(rf"^{_YEAR}下半年(?:底|末)?$"), "second_half"),
    (re.compile(rf"^{_YEAR}第?([1-4一二三四])季度(?:末|底)?$"), "quarter"),
]

# Continuous work, due (reviewed) at the plan's end: 全年, 长期, 常态化, 随时, 及时, 变动即更, 按要求 …
_ONGOING = re.compile(
    r"^(?:全年|全年度|全年内)$"
    r"|^(?:全年|全年度)(?:推进|开展|落实|坚持)$"
    r"|^(?:全年|全年度)?(?:持续推进|持续开展|持续落实|持续|长期坚持|长期推进|长期|常态化?(?:推进|开展|落实)?"
    r"|经常性|常年(?:开展|坚持|推进)|视情况|按(?:照)?工作进度"
    r"|(?:按|按照|在)?(?:规定|法定)(?:的)?时限(?:内)?|(?:与|随)(?:文件|政策)(?:同步)?(?:公开|发布)?"
    r"|随时(?:更新|公开)?|及时(?:更新|公开|发布)?|实时(?:更新|公开)?|动态(?:更新|调整)|变动即更|有变动即更新"
    r"|适时|日常|按要求|按上级要求|按规定|按有关要求|按照上级要求|根据(?:工作)?需要|根据上级要求"
    r"|常年|即时(?:更新|公开|发布)?|同步(?:推进|开展|实施|公开)?|每(?:周|日|天|个工作日)(?:更新|公开|报送)?"
    r"|(?:按|按照|根据)(?:上级|省|市|县|区)?(?:里)?(?:的)?(?:要求|部署|安排)(?:的)?(?:时间节点|时间|进度)?"
    r"(?:及时)?(?:报送|完成|推进|公开|办理)?)$"
)
# Days counted from the plan's own issue (自本方案印发之日起30日内): a day, from the plan's `signed`.
_FROM_ISSUE = re.compile(
    r"^(?:自|从)?本?(?:方案|通知|文件|要点|意见|清单|办法)?(?:印发|下发|发布|公布|出台)(?:之日起|之日后|后)"
    r"(\d{1,3}|[一二三四五六七八九十]{1,3})个?(工作日|日|天|月)(?:内|以内)$"
)
# An event's own timing with no days (文件印发后及时公开, 政策出台后同步解读): continuous work.
_AT_EVENT = re.compile(
    r"^[^\d]{1,12}?(?:印发|出台|发布|形成|变更|生成)(?:后|时)(?:及时|同步|立即)(?:公开|发布|解读|更新)?$"
)
# Timing that follows an event, not the calendar (信息形成或变更之日起20个工作日内): continuous work too.
_AFTER_EVENT = re.compile(
    r"^(?:自|从)?[^\d]{0,24}?(?:之日起|之日后|后)(?:\d{1,3}|[一二三四五六七八九十]{1,3})个?(?:工作日|日|天)"
    r"(?:内|以内)(?:予以)?(?:公开|更新|发布|办理|办结)?$"
)
# The same rule written as a sentence of a 目录 (…应当自该信息形成或者变更之日起20个工作日内予以调整。
# 法律、法规…另有规定的，从其规定。): the days count from the information's own change, never from a
# day of the calendar (印发之日起30日内 counts from the plan, and is not this).
_AFTER_CHANGE = re.compile(
    r"(?:形成|形式|变更|变化|产生|生成|制作|更新)[^。；;]{0,12}?(?:之日起|之日后)"
    r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})个?(?:工作日|日|天)(?:内|以内)"
)
_WINDOW = re.compile(rf"^{_YEAR}{_NUM}(?:月(?:份)?)?(?:-|—|–|－|~|～|至|到){_NUM}月(?:份)?(?:底|末)?$")
_RECURRING = re.compile(r"^(?:自|从|[上下]半年)?.*?(?:每(?:年|半年|季度|季|月|周)|定期)")
_DAY = r"(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
# When a recurring deadline starts: 自2022年7月起 / 从7月开始 / 下半年 / 上半年 (before the 每…).
_START = re.compile(rf"^(?:(?:自|从){_YEAR}{_NUM}月(?:份)?(?:起|开始)?|([上下])半年)?(每.*)$")
_EVERY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^每月{_DAY}$"), "month_day"),
    (re.compile(r"^每(?:个)?月(?:底|末)?(?:一次)?$"), "month_end"),  # 每月: by each month's end
    (re.compile(r"^每(?:个)?季(?:度)?(?:末|底)?(?:一次)?$"), "quarter_end"),
    (re.compile(rf"^每(?:个)?季(?:度)?(?:首月|第一个月|第1个月){_DAY}$"), "quarter_first_month"),
    (re.compile(r"^每半年(?:末|底)?(?:一次)?$"), "half_end"),
    (re.compile(rf"^每年{_NUM}月(?:份)?(?:底|末)?$"), "year_month_end"),
    (re.compile(rf"^每年{_NUM}月{_DAY}$"), "year_day"),
    (re.compile(rf"^每年{_NUM}月(?:份)?(?:-|—|–|－|~|～|至|到){_NUM}月(?:份)?(?:底|末)?$"), "year_window"),
    (re.compile(r"^每年第?([1-4一二三四])季度(?:末|底)?$"), "year_quarter"),
]


class DeadlineError(ValueError):
    """The text is not in the grammar; the message says why, for a diagnostic."""


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):  # 十, 十一, 十二
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if "十" in text:  # 二十, 二十一, 三十一
        tens, _ten, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _normalise(text: str) -> str:
    core = unicodedata.normalize("NFKC", text).strip()
    core = re.sub(r"\s+", "", core)
    core = core.rstrip("。.;,")  # NFKC has already made full-width ；，into ASCII
    for suffix in ("之前完成", "以前完成", "前完成", "完成", "之前", "以前", "前"):
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return core


def parse_deadline(text: str, plan_year: int, signed: dt.date | None = None) -> Deadline:
    """The date a deadline text means; raises DeadlineError for text outside the grammar. With
    `signed` (the day the plan was issued), a recurring deadline that names no start of its own
    owes only the periods due on or after that day: a 每月底 task of a plan issued in July is not
    late for January to June. One that names its start (自2022年1月起, 上半年) keeps it."""
    core = _normalise(text)
    if not core:
        raise DeadlineError(_("the deadline is empty"))
    core = _NEXT_YEAR.sub(f"{plan_year + 1}年", core)  # 次年1月底前: the year after the plan's
    if _EVERY_YEAR.match(core):  # 每年: once, by the year's end
        return Deadline(text, dt.date(plan_year, 12, 31))
    issued = _FROM_ISSUE.match(core)
    if issued:
        return _from_issue(text, issued, signed)
    if (
        _ONGOING.match(core)
        or _AFTER_EVENT.match(core)
        or _AFTER_CHANGE.search(core)
        or _AT_EVENT.match(core)
        or _all_ongoing(core)
    ):
        return Deadline(text, dt.date(plan_year, 12, 31), ongoing=True)
    window = _WINDOW.match(core)
    if window:  # 1月-2月: done within the window, so due at its end
        year = int(window.group(1)) if window.group(1) else plan_year
        first, last = _number(window.group(2)), _number(window.group(3))
        if not 1 <= first <= last <= 12:
            raise DeadlineError(_f("'{text}' is not a real date", text=text))
        return Deadline(text, dt.date(year, last, calendar.monthrange(year, last)[1]))
    if _RECURRING.match(core):
        return _recurring(text, core, plan_year, signed)
    for pattern, form in _PATTERNS:
        match = pattern.match(core)
        if match:
            due = _resolve(form, match, plan_year, text)
            if not in_range(due):
                raise DeadlineError(
                    _f(
                        "the deadline '{text}' falls in {year}, outside the years {first}–{last}",
                        text=text,
                        year=due.year,
                        first=FIRST_YEAR,
                        last=LAST_YEAR,
                    )
                )
            return Deadline(text, due)
    several = _several(text, core, plan_year, signed)
    if several is not None:
        return several
    raise DeadlineError(_f("cannot read the deadline '{text}'", text=text))


_NEXT_YEAR = re.compile(r"^(?:次年|明年|翌年|下一?年度?)(?=\d|[一二三四五六七八九十])")
_EVERY_YEAR = re.compile(r"^每年(?:度)?(?:年)?(?:底|末)?(?:一次)?$")
_PARTS = re.compile(r"[,;、]")
# What a part of a staged deadline says is done by then: 3月底前启动, 年底前完成.
_STEP = re.compile(
    r"(?:启动|部署|完成|推进|开展|实施|落实|报送|上报|公开|发布|印发|出台|建成|制定|到位|见效)+$"
)


def _several(text: str, core: str, plan_year: int, signed: dt.date | None) -> Deadline | None:
    """Stages in one cell (3月底前启动，年底前完成; 6月底前、12月底前; 持续推进，年底前完成): due when
    the last dated stage is, continuous work only if every stage is. None unless every stage
    reads on its own as a plain deadline or continuous work."""
    parts = [part for part in _PARTS.split(core) if part]
    if len(parts) < 2:
        return None
    read = []
    for part in parts:
        step = _STEP.sub("", part) or part
        try:
            found = parse_deadline(step, plan_year, signed)
        except DeadlineError:
            return None
        if found.periods:
            return None  # a recurring stage: the periods would not be one deadline
        read.append(found)
    dated = [found.due for found in read if not found.ongoing]
    if not dated:
        return Deadline(text, dt.date(plan_year, 12, 31), ongoing=True)
    return Deadline(text, max(dated))


def _from_issue(text: str, match: re.Match[str], signed: dt.date | None) -> Deadline:
    """印发之日起30日内: so many days (working days, months) after the plan was issued."""
    if signed is None:
        raise DeadlineError(
            _f(
                "'{text}' counts from the day the plan was issued: give that day as signed: under "
                "plan: in tasks.yaml (import --signed)",
                text=text,
            )
        )
    count, unit = _number(match.group(1)), match.group(2)
    if unit == "工作日":
        from gkledger.core.workdays import add_workdays  # the official calendar, loaded only here

        return Deadline(text, add_workdays(signed, count))
    if unit == "月":
        month = signed.month - 1 + count
        year, month = signed.year + month // 12, month % 12 + 1
        return Deadline(text, dt.date(year, month, min(signed.day, calendar.monthrange(year, month)[1])))
    return Deadline(text, signed + dt.timedelta(days=count))


def _resolve(form: str, match: re.Match[str], plan_year: int, text: str) -> dt.date:
    year = int(match.group(1)) if match.group(1) else plan_year
    try:
        if form == "month_end":
            month = _number(match.group(2))
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if form == "numeric_day":
            return dt.date(year, int(match.group(3)), int(match.group(4)))
        if form == "day":
            return dt.date(year, _number(match.group(2)), _number(match.group(3)))
        if form == "year_end" or form == "second_half":
            return dt.date(year, 12, 31)
        if form == "first_half":
            return dt.date(year, 6, 30)
        if form == "ten_days":  # 上旬 the 10th, 中旬 the 20th, 下旬 the month's end
            month = _number(match.group(2))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, {"上": 10, "中": 20, "下": last}[match.group(3)])
        quarter = _number(match.group(2))
        month = quarter * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, KeyError, calendar.IllegalMonthError) as exc:
        raise DeadlineError(_f("'{text}' is not a real date", text=text)) from exc


def _recurring(text: str, core: str, plan_year: int, signed: dt.date | None = None) -> Deadline:
    """A deadline that repeats within the plan year: one period per month, quarter or half-year,
    each with its due day (dateutil's rrule computes them). A yearly one (每年6月底前) is due once."""
    start = _START.match(core)
    if start is None:
        raise DeadlineError(_recurring_help(text))
    first_month = 1
    if start.group(2):  # 自[YYYY年]M月起
        if start.group(1) and int(start.group(1)) != plan_year:
            raise DeadlineError(
                _f(
                    "'{text}' starts in {year}, outside the plan year {plan_year}",
                    text=text,
                    year=start.group(1),
                    plan_year=plan_year,
                )
            )
        first_month = _number(start.group(2))
        if not 1 <= first_month <= 12:
            raise DeadlineError(_f("'{text}' is not a real date", text=text))
    elif start.group(3):
        first_month = 1 if start.group(3) == "上" else 7
    last_month = 6 if start.group(3) == "上" else 12
    every = start.group(4)
    matches = ((pattern.match(every), form) for pattern, form in _EVERY)
    match, form = next(((m, form) for m, form in matches if m is not None), (None, ""))
    if match is None:
        raise DeadlineError(_recurring_help(text))
    if form in ("year_month_end", "year_day", "year_window", "year_quarter"):
        if start.group(2) or start.group(3):
            raise DeadlineError(_recurring_help(text))
        if form == "year_window" and _number(match.group(1)) > _number(match.group(2)):
            raise DeadlineError(_f("'{text}' is not a real date", text=text))
        # once a year: in the plan year, due at the month's (window's, quarter's) end or on the day
        month = {
            "year_window": lambda: _number(match.group(2)),
            "year_quarter": lambda: _number(match.group(1)) * 3,
        }.get(form, lambda: _number(match.group(1)))()
        day = _number(match.group(2)) if form == "year_day" else None
        try:
            last = calendar.monthrange(plan_year, month)[1]
            return Deadline(text, dt.date(plan_year, month, day or last))
        except (ValueError, calendar.IllegalMonthError) as exc:
            raise DeadlineError(_f("'{text}' is not a real date", text=text)) from exc
    day = _number(match.group(1)) if form in ("month_day", "quarter_first_month") else None
    if day is not None and not 1 <= day <= 31:
        raise DeadlineError(_f("'{text}' is not a real date", text=text))
    dates = _dates(form, day, plan_year, first_month, last_month)
    if not dates:
        raise DeadlineError(
            _f("'{text}' falls on no day of the plan year {plan_year}", text=text, plan_year=plan_year)
        )
    if signed is not None and not (start.group(2) or start.group(3)):
        dates = [due for due in dates if due >= signed]
        if not dates:
            raise DeadlineError(
                _f(
                    "'{text}' has no period due after the plan was issued on {signed}; "
                    "name its start if earlier periods are owed (自{year}年1月起…)",
                    text=text,
                    signed=signed,
                    year=plan_year,
                )
            )
    periods = tuple(Period(_label(form, due), due) for due in dates)
    return Deadline(text, periods[-1].due, periods=periods)


def _all_ongoing(core: str) -> bool:
    """ "全年持续推进，及时更新": every part says continuous work."""
    parts = [part for part in re.split(r"[,;、]", core) if part]
    return len(parts) > 1 and all(_ONGOING.match(part) for part in parts)


def _dates(form: str, day: int | None, year: int, first_month: int, last_month: int) -> list[dt.date]:
    from dateutil.rrule import MONTHLY, rrule

    start = dt.datetime(year, first_month, 1)
    until = dt.datetime(year, last_month, calendar.monthrange(year, last_month)[1])
    # A day past a month's end (每月31日) is that month's last day: the earlier of the two.
    days = (day, -1) if day is not None and day > 28 else (day if day is not None else -1,)
    months = {
        "month_day": None,
        "month_end": None,
        "quarter_end": (3, 6, 9, 12),
        "quarter_first_month": (1, 4, 7, 10),
        "half_end": (6, 12),
    }[form]
    rule = rrule(MONTHLY, dtstart=start, until=until, bymonth=months, bymonthday=days, bysetpos=1)
    return [moment.date() for moment in rule]


def _label(form: str, due: dt.date) -> str:
    """The period a due day closes: 2022-07 (a month), 2022-Q3 (a quarter), 2022-H2 (a half-year)."""
    if form in ("month_day", "month_end"):
        return f"{due.year}-{due.month:02d}"
    if form in ("quarter_end", "quarter_first_month"):
        return f"{due.year}-Q{(due.month - 1) // 3 + 1}"
    return f"{due.year}-H{1 if due.month <= 6 else 2}"


def _recurring_help(text: str) -> str:
    return _f(
        "cannot read the recurring deadline '{text}'; write it as 每月10日前, 每月底, 每季度末, "
        "每季度首月10日前, 每半年, 每年6月底前, with a start such as 自2022年7月起每月10日前 "
        "or 下半年每月底前",
        text=text,
    )
