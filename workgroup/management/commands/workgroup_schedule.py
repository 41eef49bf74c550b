"""`manage.py workgroup_schedule 2026` prints the year's working-group meeting dates, one ISO date a line.

By default the rule is the one in the current method version (the 4th Wednesday of every month, no
month skipped, unless the method says otherwise); `--default-rule` uses the built-in default even
when the method has changed it. A date on an Estonian public holiday is printed with " holiday" after
it, and `--proposed` adds the working day proposed instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from workgroup.schedule import DEFAULT_RULE, MeetingRule, RuleError, plan_year


def _months(value: str) -> tuple[int, ...]:
    try:
        months = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    except ValueError:
        raise CommandError(f"--skip takes month numbers separated by commas, e.g. 7,8, not {value!r}.")
    if any(month < 1 or month > 12 for month in months):
        raise CommandError("--skip takes month numbers from 1 to 12.")
    return months


class Command(BaseCommand):
    help = "Print the year's working-group meeting dates by the meeting rule, one ISO date a line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="The year, e.g. 2026.")
        parser.add_argument("--default-rule", action="store_true", help="Use the built-in default rule.")
        parser.add_argument("--skip", metavar="MONTHS", help="Months to skip, e.g. 7 or 7,8.")
        parser.add_argument("--proposed", action="store_true", help="Print the proposed working day after a holiday.")

    def rule(self, options: dict[str, Any]) -> MeetingRule:
        if options["default_rule"]:
            return DEFAULT_RULE
        from workgroup.content import group_settings

        try:
            return group_settings().rule
        except DatabaseError:
            # No database yet (a fresh checkout): the method's seed holds the default rule.
            return DEFAULT_RULE
        except RuleError as error:
            raise CommandError(str(error))

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 1900 <= year <= 2200:
            raise CommandError("The year must be between 1900 and 2200.")
        rule = self.rule(options)
        if options["skip"] is not None:
            rule = dataclasses.replace(rule, skip_months=_months(options["skip"]))
        for planned in plan_year(year, rule):
            line = planned.rule_date.isoformat()
            if planned.holiday:
                line += " holiday"
                if options["proposed"]:
                    line += f" {planned.proposed_date.isoformat()}"
            self.stdout.write(line)
