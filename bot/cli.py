"""The command line: `python -m bot <command>` (also installed as `topup-bot`)."""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.errors import ContentError
from bot.core.understanding.classifier import Classification, Classifier
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:  # imported by the commands that use them: the store (sqlite3, hashing), the whole chat
    from bot.core.replying.conversation import Conversation
    from bot.core.risk.scanner import Scanner
    from bot.devtools.scan_evaluation import Case
    from bot.store.records import Records

EXPLAINED_VOTES = 12  # per intent: the features that moved its score most, either way


def _conversation(args: argparse.Namespace) -> Conversation:
    from bot.build import build, content_root

    conversation = build(content_root(args.content))
    conversation.warm_up()
    # The index lives as long as the process: the garbage collector need not walk it again.
    gc.freeze()
    return conversation


def _read_stdin_leniently() -> None:
    """Bytes that are not UTF-8 become U+FFFD, so they neither stop the command nor leave it raw."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.terminal import chat
    from bot.settings import load_settings

    _read_stdin_leniently()
    conversation = _conversation(args)
    return chat(conversation, records=_terminal_records(load_settings(), conversation))


def _terminal_records(settings: Settings, conversation: Conversation) -> Records | None:
    """The terminal's questions are recorded too, in the same store, when BOT_DATA_DIR can be made."""
    from bot.store.database import Database
    from bot.store.records import open_records

    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    database = Database.in_folder(settings.data_dir)
    normalize = conversation.classifier.normalize
    return open_records(database, conversation.answers.texts, normalize, settings.retention_days)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    settings = load_settings()
    if settings.token:
        from bot.build import content_root
        from bot.channels.telegram.app import run_telegram_or_explain

        return run_telegram_or_explain(_conversation(args), settings, content_root(args.content))
    print("TELEGRAM_BOT_TOKEN is not set: starting the chat in the terminal.", file=sys.stderr)
    return cmd_chat(args)


def cmd_telegram(args: argparse.Namespace) -> int:
    from bot.build import content_root
    from bot.channels.telegram.app import run_telegram_or_explain
    from bot.settings import load_settings

    settings = load_settings()
    if not settings.token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and set it")
    return run_telegram_or_explain(_conversation(args), settings, content_root(args.content))


def cmd_classify(args: argparse.Namespace) -> int:
    from bot.build import build_classifier, content_root

    classifier = build_classifier(content_root(args.content))
    gc.freeze()  # as _conversation does: the index lives as long as the process
    _read_stdin_leniently()
    out = sys.stdout
    # One encoder for the whole stream: json.dumps with any option builds a new one per call.
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        result = classifier.classify(text, explain=args.explain)
        record = result.as_json()
        if args.explain:
            record["explain"] = _explanation(result)
        out.write(encode(record) + "\n")
        out.flush()
    return 0


def _explanation(result: Classification) -> dict[str, object]:
    analysis = result.analysis
    ranked = []
    for score in analysis.ranking[:2]:
        ranked.append(
            {
                "intent": score.intent,
                "score": round(score.score, 3),
                "votes": [[v.feature, round(v.points, 3)] for v in score.votes[:EXPLAINED_VOTES]],
            }
        )
    # What set the two apart: each feature's points for the winner minus its points for the runner-up.
    first, second = ({v.feature: v.points for v in s.votes} for s in analysis.ranking[:2])
    margin = sorted(((f, p - second.get(f, 0.0)) for f, p in first.items()), key=lambda fp: -abs(fp[1]))
    return {
        "also": analysis.also,
        "normalized": analysis.normalized,
        "words": list(analysis.words),
        "ignored": list(analysis.ignored),
        "winner": ranked[0],
        "runner_up": ranked[1],
        "margin": [[f, round(p, 3)] for f, p in margin[:EXPLAINED_VOTES] if abs(p) >= 0.005],
    }


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.devtools import evaluation

    conversation = _conversation(args)
    classifier = conversation.classifier
    if args.cross_validate:
        return _cross_validate(classifier, args.cross_validate)
    if not args.file:
        print("error: give a FILE to evaluate, or --cross-validate K", file=sys.stderr)
        return 2
    try:
        cases = evaluation.read_cases(
            Path(args.file),
            set(classifier.matcher.intents),
            {c.id for c in conversation.answers.operators},
            set(classifier.channels.ids),
        )
    except evaluation.EvalFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluation.evaluate(classifier, cases)
    print("\n".join(report.lines(show_misses=args.misses)))
    if args.baseline:
        from bot.devtools.baseline import Baseline

        examples = evaluation.example_cases(classifier)
        svm = Baseline([c.text for c in examples], [min(c.intents) for c in examples])
        theirs = evaluation.evaluate_predictions(cases, svm.predict([c.text for c in cases]))
        print("\nbaseline: linear SVM, TF-IDF over jieba words and character 1-3-grams, same examples")
        print("\n".join(evaluation.side_by_side(report, theirs)))
    failed = []
    if report.accuracy < args.min_accuracy:
        failed.append(f"accuracy {report.accuracy:.3f} is below --min-accuracy {args.min_accuracy}")
    if report.operator_accuracy < args.min_operator_accuracy:
        failed.append(
            f"operator accuracy {report.operator_accuracy:.3f} is below "
            f"--min-operator-accuracy {args.min_operator_accuracy}"
        )
    if report.channel_accuracy < args.min_channel_accuracy:
        failed.append(
            f"channel accuracy {report.channel_accuracy:.3f} is below "
            f"--min-channel-accuracy {args.min_channel_accuracy}"
        )
    for message in failed:
        print(f"FAIL: {message}", file=sys.stderr)
    return 1 if failed else 0


def _cross_validate(classifier: Classifier, k: int) -> int:
    from bot.devtools.evaluation import cross_validate, side_by_side

    if k < 2:
        print("error: --cross-validate needs K of at least 2", file=sys.stderr)
        return 2
    mine, theirs = cross_validate(classifier, k)
    assert theirs is not None
    print(f"stratified {k}-fold cross-validation over {mine.total} YAML examples")
    print("\n".join(side_by_side(mine, theirs)))
    return 0


def _scanner(args: argparse.Namespace) -> Scanner:
    from bot.build import content_root
    from bot.content.loader import load_content
    from bot.core.risk.scanner import build_scanner

    # The scanner needs the content only, not the matcher: it starts in a fraction of the time.
    return build_scanner(load_content(content_root(args.content)))


def cmd_scan(args: argparse.Namespace) -> int:
    scanner = _scanner(args)
    _read_stdin_leniently()
    out = sys.stdout
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        out.write(json.dumps(scanner.scan(text).as_json(text), ensure_ascii=False) + "\n")
        out.flush()
    return 0


def cmd_eval_scan(args: argparse.Namespace) -> int:
    from bot.devtools.scan_evaluation import ScanFileError, evaluate_scan, read_cases

    scanner = _scanner(args)
    try:
        sets = {Path(name).stem: read_cases(Path(name)) for name in args.file}
    except ScanFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.leave_one_out:
        return _leave_one_out(args, scanner, sets)
    report = evaluate_scan(scanner, [case for cases in sets.values() for case in cases])
    print("\n".join(report.lines(show_misses=not args.no_misses)))
    failed = []
    if report.recall < args.min_recall:
        failed.append(f"recall of high {report.recall:.3f} is below --min-recall {args.min_recall}")
    if args.max_false_high is not None and report.false_high > args.max_false_high:
        failed.append(
            f"{report.false_high} low messages rated high, above --max-false-high {args.max_false_high}"
        )
    for message in failed:
        print(f"FAIL: {message}", file=sys.stderr)
    return 1 if failed else 0


def _leave_one_out(args: argparse.Namespace, scanner: Scanner, sets: dict[str, list[Case]]) -> int:
    from bot.build import content_root
    from bot.content.loader import load_content
    from bot.core.risk.scanner import harmless_questions
    from bot.devtools.scan_evaluation import held_out_lines, leave_one_out

    if len(sets) < 2 or scanner.learned is None:
        needs = "two files or more and intents/_risk_examples.yaml"
        print(f"error: --leave-one-out needs {needs}", file=sys.stderr)
        return 2
    questions = harmless_questions(load_content(content_root(args.content)))
    print("\n".join(held_out_lines(leave_one_out(scanner, sets, questions))))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.build import content_root
    from bot.devtools.checks import check

    root = content_root(args.content)
    conversation, problems = check(root)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    assert conversation is not None
    if args.stale is not None:
        return _list_stale(conversation, args.stale)
    intents = conversation.classifier.matcher.intents
    examples = sum(len(i.examples) for i in intents.values())
    print(
        f"OK: {len(intents)} intents, {examples} examples, {len(conversation.answers.operators)} operators, "
        f"{len(conversation.answers.channels)} channels, every answer renders for every operator and "
        "channel and links only to the allowlist"
    )
    return 0


def _list_stale(conversation: Conversation, days: int) -> int:
    """The facts to re-read against their source, oldest first; 1 when there are any (for scripts)."""
    from bot.content.stale import fact_count, stale_facts

    today = date.today()
    facts = conversation.answers.facts
    stale = stale_facts(facts, days, today)
    for fact in stale:
        print(fact.describe(today))
    print(f"{len(stale)} of {fact_count(facts)} facts reviewed more than {days} days ago")
    return 1 if stale else 0


def cmd_intents(args: argparse.Namespace) -> int:
    intents = _conversation(args).classifier.matcher.intents
    if args.json:
        print(
            json.dumps(
                [{"id": i.id, "examples": list(i.examples)} for i in intents.values()], ensure_ascii=False
            )
        )
        return 0
    for intent in intents.values():
        print(f"{intent.id}: {intent.description}")
        for example in intent.examples:
            print(f"    {example}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import time

    from bot.devtools.report import render
    from bot.settings import load_settings
    from bot.store.database import FILENAME, Database
    from bot.store.report import build_report

    if args.days < 1:
        raise SettingsError("--days must be 1 or more (1 is today)")
    settings = load_settings()
    path = settings.data_dir / FILENAME
    if not path.is_file():
        raise SettingsError(f"no records at {path}; set BOT_DATA_DIR to the bot's data folder")
    database = Database(path)
    now = time.time()
    since = time.strftime("%Y-%m-%d", time.gmtime(now - (args.days - 1) * 86400))
    report = build_report(database, since, time.strftime("%Y-%m-%d", time.gmtime(now)))
    sys.stdout.write(render(report, args.format))
    return 0


def cmd_replies(args: argparse.Namespace) -> int:
    from bot.devtools.replies import write_replies

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    write_replies(_conversation(args), path, sys.stdout)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.build import content_root
    from bot.devtools.benchmark import run_benchmarks

    return run_benchmarks(
        content_root(args.content), rounds=args.rounds, batch=args.batch, telegram=not args.no_telegram
    )


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 or more)")
    return int(text)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m bot", description="充值指南 bot")
    main_parser.add_argument("--content", help="folder with intents/ and responses/ (default: this checkout)")
    commands = main_parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat"
    ).set_defaults(func=cmd_run)
    commands.add_parser("chat", help="chat in the terminal").set_defaults(func=cmd_chat)
    commands.add_parser("telegram", help="run the Telegram bot").set_defaults(func=cmd_telegram)
    classify = commands.add_parser(
        "classify", help="one question per line on stdin → one JSON object per line"
    )
    classify.add_argument("--explain", action="store_true", help="show the features that voted")
    classify.set_defaults(func=cmd_classify)
    evaluate = commands.add_parser(
        "eval", help="accuracy on a labelled TSV (text, intents, operator[, channel])"
    )
    evaluate.add_argument("file", nargs="?")
    evaluate.add_argument("--min-accuracy", type=float, default=0.0)
    evaluate.add_argument("--min-operator-accuracy", type=float, default=0.0)
    evaluate.add_argument(
        "--min-channel-accuracy", type=float, default=0.0, help="on questions with a channel column"
    )
    evaluate.add_argument("--misses", action="store_true", help="list every wrong answer")
    evaluate.add_argument(
        "--baseline", action="store_true", help="also train the linear-SVM baseline and compare (dev only)"
    )
    evaluate.add_argument(
        "--cross-validate",
        type=int,
        metavar="K",
        help="stratified K-fold over the YAML examples, both models",
    )
    evaluate.set_defaults(func=cmd_eval)
    commands.add_parser(
        "scan", help="scam-risk check: one message per line on stdin → one JSON object per line"
    ).set_defaults(func=cmd_scan)
    eval_scan = commands.add_parser("eval-scan", help="scam-risk check on a labelled TSV (text, levels)")
    eval_scan.add_argument("file", nargs="+", help="one or more TSV files (text, levels)")
    eval_scan.add_argument(
        "--leave-one-out",
        action="store_true",
        help="each file scored by the learned part trained on the others (the rules alone, it alone, both)",
    )
    eval_scan.add_argument("--min-recall", type=float, default=0.0, help="lowest recall of high that passes")
    eval_scan.add_argument("--max-false-high", type=int, default=None, help="most low messages rated high")
    eval_scan.add_argument("--no-misses", action="store_true", help="do not list the misses")
    eval_scan.set_defaults(func=cmd_eval_scan)
    replies = commands.add_parser(
        "replies", help="each message as a new chat's first → one JSON line (reply, buttons, reading)"
    )
    replies.add_argument("file", help="a TSV with a text column, or one message per line")
    replies.set_defaults(func=cmd_replies)
    check = commands.add_parser("check", help="validate intents/ and responses/")
    check.add_argument(
        "--stale",
        type=_days,
        metavar="DAYS",
        help="also list the facts reviewed more than DAYS days ago (file, line, key, date); exit 1 if any",
    )
    check.set_defaults(func=cmd_check)
    intents = commands.add_parser("intents", help="list the intents and their examples")
    intents.add_argument("--json", action="store_true")
    intents.set_defaults(func=cmd_intents)
    report = commands.add_parser("report", help="the operator's records: unanswered questions, rates")
    report.add_argument("--days", type=int, default=7, help="the last N days, today included")
    # The names of bot.devtools.report.render's formats (not imported here: it brings in Jinja2).
    report.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    report.set_defaults(func=cmd_report)
    bench = commands.add_parser("bench", help="speed and memory figures, as medians")
    bench.add_argument("--rounds", type=int, default=5)
    bench.add_argument("--batch", type=int, default=10_000, help="questions per round")
    bench.add_argument("--no-telegram", action="store_true", help="skip the end-to-end Telegram figure")
    bench.set_defaults(func=cmd_bench)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); run `python -m bot check` after fixing them", file=sys.stderr)
        return 1
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
