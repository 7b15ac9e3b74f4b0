"""The briefings' sections: what each notebook cell shows, built from queries, charts and markup.

A notebook makes one briefing object from its parameters and then calls one method
per cell. Each method returns an HTML fragment or a :class:`~russian_views.charts.Figure`;
nothing here prints. Three voices are kept apart throughout and labelled as such:
Moscow's view (what the review reports the Russian book as holding), the reviewer's
own judgment, and our summaries (bottom line, captions), which cite the passages
they rest on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from russian_views import charts, queries
from russian_views import markup as m
from russian_views.data import Dataset, load_dataset
from russian_views.params import (
    Options,
    Period,
    from_namespace,
    resolve_actor,
    resolve_options,
    resolve_period,
)
from russian_views.spec import ACTOR

MOSCOW, REVIEWER = "moscow", "reviewer"
SUMMARY_EXPECTATIONS = 3
HOW_TO_READ = (
    "How to read this briefing. Statements marked “Moscow’s view” report what the review "
    "says the Russian book and Russian authors hold; they are not our assertions. "
    "Statements marked “Reviewer’s judgment” are the reviewing author’s own assessment. "
    "Unmarked sentences in the bottom line and captions are our summary of the coded data. "
    "Text in quotation marks is verbatim from the source; ¶ and s give the body paragraph "
    "and sentence, each linked to the full passage at the end."
)


@dataclass
class Briefing:
    """What every briefing shares: the data, the period, figure numbering, citations."""

    dataset: Dataset
    period: Period
    _figures: int = field(default=0, init=False)

    # ---------------------------------------------------------------- helpers

    def label(self, code_list: str, code: str) -> str:
        """Reader-facing label of a code."""
        return self.dataset.label(code_list, code)

    def labels(self, code_list: str) -> dict[str, str]:
        """Every label of a code list, in codebook order."""
        return {c: self.dataset.label(code_list, c) for c in self.dataset.codes(code_list)}

    def name(self, actor_id: str) -> str:
        """Display name of an actor."""
        return queries.actor_name(self.dataset, actor_id)

    @property
    def multi_source(self) -> bool:
        """Whether the data cite more than one source (then every reference names its own)."""
        return len(self.dataset.sources) > 1

    def cite(self, row: pd.Series | dict) -> str:
        """The citation of one record."""
        return m.cite_row(row, self.multi_source)

    def cite_rows(self, rows: pd.DataFrame) -> str:
        """The citations of several records, each sentence once."""
        return m.cite_rows(rows, self.multi_source)

    def judgment_list(self, items: list[str | None], empty: str) -> m.Html:
        """Bullet list of the judgments found (None skipped), with the note on whose words
        they are; ``empty`` when none was found."""
        found = [i for i in items if i]
        if not found:
            return m.empty(empty)
        note = "Our summary of the coded record; each point cites the passages it rests on."
        return m.join([m.bullets(found, class_="judgments"), m.note(note)])

    def events_figure(
        self, events: pd.DataFrame, subject: str, empty: str
    ) -> charts.Figure | m.Html:
        """The timeline of ``events`` (``subject`` says whose, as in "involving China")."""
        if events.empty:
            return m.empty(empty)
        names = dict(zip(self.dataset.actors["actor_id"], self.dataset.actors["name"], strict=True))
        chart = charts.event_timeline(events, self.period.since, self.period.until, names)
        missed = int((~events["occurred"]).sum())
        alt_text = (
            f"Timeline of {len(events)} dated events {subject} between {self.period.since} and "
            f"{self.period.until}, {missed} of which did not happen as planned; the table below "
            "lists them all."
        )
        caption = (
            f"Events {subject}, {self.period}. Crosses mark planned events that did not happen; "
            "events dated only to a year or month sit in its middle."
        )
        return self.figure(chart, caption, alt_text)

    def figure(self, chart, caption: str, alt_text: str) -> charts.Figure:
        """Number the next figure of this briefing."""
        self._figures += 1
        return charts.Figure(chart, self._figures, caption, alt_text)

    def claim_item(self, row: pd.Series, *, badge: bool = True, extras: str = "") -> str:
        """One claim as a list item: voice, our paraphrase, the verbatim quote, citation."""
        parts = []
        if badge:
            parts.append(m.view_badge(row["view"], self.label("view", row["view"])))
        parts.append(m.esc(row["paraphrase"]))
        parts.append(m.quoted(row["quote"]))
        meta = [self.label("claim_kind", row["claim_kind"])]
        if row["stance"]:
            meta.append(f"stance: {self.label('stance', row['stance']).lower()}")
        meta.append(_years(row["period_start"], row["period_end"]))
        parts.append(m.tag("span", m.esc(" · ".join(meta)) + extras, class_="meta"))
        parts.append(self.cite(row))
        return " ".join(parts)

    def claim_list(self, claims: pd.DataFrame, empty: str, **kwargs) -> m.Html:
        """A list of claims in chronological order, or a note saying there are none."""
        if claims.empty:
            return m.empty(empty)
        ordered = claims.sort_values(["period_start", "period_end", "claim_id"])
        return m.bullets(
            [self.claim_item(r, **kwargs) for _, r in ordered.iterrows()], class_="claims"
        )

    def passages_for(self, *frames: pd.DataFrame) -> m.Html:
        """The appendix: every cited sentence in full, with the anchor citations link to."""
        cited = queries.cited_sentences(*frames)
        if cited.empty:
            return m.empty("No passages are cited.")
        items = []
        for row in cited.itertuples():
            text = self.dataset.texts[row.source_id]
            para = text.paragraph(row.paragraph)
            label = f"¶{row.paragraph} s{row.sentence}"
            if self.multi_source:
                label = f"{row.source_id} {label}"
            sentence = para.sentences[row.sentence - 1].text
            items.append(
                m.tag(
                    "li",
                    m.tag("span", m.esc(label), class_="ref")
                    + " "
                    + m.tag("span", m.esc(para.section), class_="section")
                    + " "
                    + m.esc(sentence),
                    id=m.anchor_id(row.source_id, row.paragraph, row.sentence),
                )
            )
        source = self._source_line()
        return m.join([m.note(source), m.Html(m.tag("ol", "".join(items), class_="passages"))])

    def _source_line(self) -> str:
        sources = self.dataset.sources
        parts = []
        for s in sources.itertuples():
            who = f"{s.author}, " if s.author else ""
            parts.append(
                f"{s.source_id}: {who}{s.title}, {s.outlet}, {s.published} "
                f"(sha256 {s.sha256[:12]}…). Reviewed work: {s.reviewed_work}"
            )
        return "Source. " + " ".join(parts)

    def meta_block(self, title: str, dek: str) -> m.Html:
        """Title, standfirst, and the provenance line every briefing opens with."""
        sources = self.dataset.sources
        outlets = ", ".join(f"{s.outlet} ({s.published})" for s in sources.itertuples())
        meta = f"Period {self.period} · Source: {outlets} · Data version {self.dataset.version}"
        return m.join(
            [
                m.tag("h1", m.esc(title)),
                m.paragraph(m.esc(dek), class_="dek"),
                m.paragraph(m.esc(meta), class_="meta-line"),
                m.note(HOW_TO_READ),
            ]
        )


def _years(start: object, end: object) -> str:
    return f"{int(start)}" if int(start) == int(end) else f"{int(start)}–{int(end)}"


def _share(n: int, total: int) -> str:
    return f"{n} of {total}"


@dataclass
class ActorBriefing(Briefing):
    """“Russian views of X”: the sections of ``notebooks/actor_briefing.ipynb``."""

    actor_id: str = ""
    options: Options | None = None

    def __post_init__(self) -> None:
        if self.options is None:
            self.options = resolve_options(self.dataset)

    @classmethod
    def from_parameters(
        cls,
        actor: object,
        since: object = None,
        until: object = None,
        themes: object = None,
        views: object = None,
        detail: object = None,
        edition: object = None,
        dataset: Dataset | None = None,
    ) -> ActorBriefing:
        """Validate the notebook's parameters (one-line errors naming valid choices)."""
        dataset = dataset or load_dataset()
        return cls(
            dataset=dataset,
            period=resolve_period(since, until, dataset),
            actor_id=resolve_actor(actor, dataset),
            options=resolve_options(dataset, themes, views, detail, edition),
        )

    @classmethod
    def from_namespace(cls, namespace: dict) -> ActorBriefing:
        """The briefing for the notebook's parameters (refusing names it does not take)."""
        return cls.from_parameters(**from_namespace(namespace, ACTOR))

    def _select(self, view: str, **filters) -> pd.DataFrame:
        """Claims in the period for one voice, cut to the chosen themes (none if voice is off)."""
        claims = queries.select_claims(
            self.dataset, self.period, views=[view], themes=self.options.themes, **filters
        )
        return claims if view in self.options.views else claims.iloc[0:0]

    @property
    def title(self) -> str:
        """The briefing's title."""
        return queries.briefing_title(self.dataset, self.actor_id)

    @cached_property
    def claims(self) -> pd.DataFrame:
        """Moscow's claims about the actor's family in the period."""
        return self._select(MOSCOW, subjects=queries.family(self.dataset, self.actor_id))

    @cached_property
    def reviewer_claims(self) -> pd.DataFrame:
        """The reviewer's judgments about the actor, plus those about the book as a whole."""
        reviewer = self._select(REVIEWER)
        members = queries.family(self.dataset, self.actor_id)
        general = reviewer["home_id"] == "russia"
        about = reviewer["subject_id"].isin(members) | reviewer["counterpart_id"].isin(members)
        return reviewer[about | general]

    @cached_property
    def events(self) -> pd.DataFrame:
        """Events involving the actor's family in the period."""
        return queries.events_involving(self.dataset, self.actor_id, self.period)

    @cached_property
    def relations(self) -> pd.DataFrame:
        """Moscow's claims relating the actor to others."""
        relations = queries.relations(self.dataset, self.actor_id, self.period)
        keep = relations["theme"].isin(self.options.themes) & (MOSCOW in self.options.views)
        return relations[keep]

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """Expectations about the actor whose horizon reaches the period, in the chosen voices."""
        expectations = queries.expectations_about(self.dataset, self.actor_id, self.period)
        return expectations[expectations["view"].isin(self.options.views)]

    @cached_property
    def signposts(self) -> pd.DataFrame:
        """Signposts of those expectations."""
        return queries.signposts_for(self.dataset, self.expectations["expectation_id"])

    @cached_property
    def wants(self) -> pd.DataFrame:
        """What Moscow wants from or for the actor: prescriptions about it or relating to it."""
        pres = self._select(MOSCOW)
        pres = pres[pres["claim_kind"] == "prescription"]
        members = queries.family(self.dataset, self.actor_id)
        return pres[pres["subject_id"].isin(members) | pres["counterpart_id"].isin(members)]

    # ---------------------------------------------------------------- sections

    def title_block(self) -> m.Html:
        """Title, standfirst, provenance and how to read."""
        dek = (
            f"How Moscow sees {self.name(self.actor_id)}, {self.period}, as a review in "
            "The Asan Forum reports an authoritative Russian book on the Korean Peninsula — "
            "and what Moscow wants to happen next."
        )
        return m.join([self.meta_block(self.title, dek), self._options_line()])

    def _options_line(self) -> m.Html:
        """Which cut of the data this is, when it is not the whole of it."""
        o = self.options
        parts = []
        if o.themes != tuple(self.dataset.codes("theme")):
            parts.append("themes: " + ", ".join(self.label("theme", t) for t in o.themes))
        if len(o.views) == 1:
            parts.append(f"only {self.label('view', o.views[0])}")
        if o.detail == "summary":
            parts.append("summary (the full briefing has every section)")
        if o.edition != "reader":
            parts.append(f"{o.edition} edition")
        return m.note("This cut: " + "; ".join(parts) + ".") if parts else m.Html("")

    def key_judgments(self) -> list[str | None]:
        """3–5 judgments summarising the coded record, each with its citations (None where
        the data hold nothing for one)."""
        return [
            self.stance_judgment(),
            self._trend_judgment(),
            self._kind_judgment("grievance", "Chief grievance"),
            self.want_judgment(),
            self._outlook_judgment(),
        ]

    def bottom_line(self) -> m.Html:
        """The bottom line up front."""
        return self.judgment_list(
            self.key_judgments(),
            f"The data hold no Moscow claims about {self.name(self.actor_id)} for {self.period}.",
        )

    def stance_judgment(self, heading: str = "Overall stance") -> str | None:
        """How Moscow's coded statements about the actor split between warm and cool."""
        scored = self.claims.dropna(subset=["stance_score"])
        if scored.empty:
            return None
        warm = scored[scored["stance_score"] > 0]
        cold = scored[scored["stance_score"] < 0]
        side, lean = (warm, "warm") if len(warm) >= len(cold) else (cold, "cool")
        if len(warm) == len(cold):
            lean = "evenly divided"
        examples = side.reindex(side["stance_score"].abs().sort_values(ascending=False).index)
        text = (
            f"<strong>{m.esc(heading)}.</strong> Moscow's view of "
            f"{m.esc(self.name(self.actor_id))} is {lean} on balance: of "
            f"{len(scored)} coded statements that carry a stance, "
            f"{_share(len(warm), len(scored))} are favourable or supportive and "
            f"{_share(len(cold), len(scored))} critical or hostile."
        )
        return f"{text} {self.cite_rows(examples.head(3))}"

    def _trend_judgment(self) -> str | None:
        yearly = queries.stance_by_year(self.claims, self.period)
        if len(yearly) < 2:
            return None
        first, last = yearly.iloc[0], yearly.iloc[-1]
        change = last["mean_stance"] - first["mean_stance"]
        verb = "warmed" if change >= 0.5 else "cooled" if change <= -0.5 else "held roughly steady"
        scored = self.claims.dropna(subset=["stance_score"])
        ends = pd.concat([scored.nsmallest(1, "period_start"), scored.nlargest(1, "period_end")])
        return (
            f"<strong>Trend.</strong> Moscow's stance {verb} across the period: the average "
            f"of statements covering {int(first['year'])} is {first['mean_stance']:+.1f}, "
            f"against {last['mean_stance']:+.1f} for {int(last['year'])} "
            f"(scale −2 hostile to +2 supportive). {self.cite_rows(ends)}"
        )

    def _kind_judgment(self, kind: str, heading: str) -> str | None:
        rows = self.claims[self.claims["claim_kind"] == kind]
        if rows.empty:
            return None
        row = rows.sort_values(["period_end", "claim_id"]).iloc[-1]
        return (
            f"<strong>{m.esc(heading)}.</strong> {m.esc(row['paraphrase'])} "
            f"{m.quoted(row['quote'])} {self.cite(row)}"
        )

    def want_judgment(self, heading: str = "What Moscow wants") -> str | None:
        """The first prescription (in the review's order) about the actor itself, else the
        first that names it as counterpart: the review leads with what matters most."""
        if self.wants.empty:
            return None
        about = self.wants["subject_id"].isin(queries.family(self.dataset, self.actor_id))
        ranked = self.wants.assign(about=about).sort_values(
            ["about", "claim_id"], ascending=[False, True]
        )
        row = ranked.iloc[0]
        return (
            f"<strong>{m.esc(heading)}.</strong> {m.esc(row['paraphrase'])} "
            f"{m.quoted(row['quote'])} {self.cite(row)}"
        )

    def _outlook_judgment(self) -> str | None:
        moscow = self.expectations[self.expectations["view"] == MOSCOW]
        if moscow.empty:
            return None
        row = moscow.iloc[0]
        likelihood = self.label("likelihood", row["likelihood"]).lower()
        return (
            f"<strong>Outlook.</strong> {m.esc(row['statement'])} "
            f"(Moscow's view: {m.esc(likelihood)}; horizon {m.esc(row['horizon'])}) "
            f"{self.cite(row)}"
        )

    def stance_chart(self) -> charts.Figure | m.Html:
        """Moscow's stance toward the actor over time."""
        yearly = queries.stance_by_year(self.claims, self.period)
        if yearly.empty:
            return m.empty("No coded statement in this period carries a stance.")
        chart = charts.stance_timeline(
            self.claims, yearly, self.labels("stance"), self.period.since, self.period.until
        )
        name = self.name(self.actor_id)
        scored = self.claims["stance_score"].notna().sum()
        alt_text = (
            f"Chart of {scored} coded Moscow statements about {name}, each drawn as a "
            f"bar over the years it covers at its stance from hostile (−2) to "
            f"supportive (+2), with the yearly average as a line. The average runs "
            f"from {yearly['mean_stance'].iloc[0]:+.1f} in {yearly['year'].iloc[0]} to "
            f"{yearly['mean_stance'].iloc[-1]:+.1f} in {yearly['year'].iloc[-1]}."
        )
        caption = (
            f"Moscow's stance toward {name}, {self.period}. Bars: single statements over "
            "the years they cover; line: average of statements covering each year."
        )
        return self.figure(chart, caption, alt_text)

    def timeline_chart(self) -> charts.Figure | m.Html:
        """Events involving the actor, including the ones that did not happen."""
        return self.events_figure(
            self.events,
            f"involving {self.name(self.actor_id)}",
            "No dated events involving this actor fall in the period.",
        )

    def timeline_table(self) -> m.Html:
        """The events as a table: date, what happened, how Moscow framed it, source."""
        if self.events.empty:
            return m.empty("No dated events involving this actor fall in the period.")
        return events_table(self, self.events)

    def themes_chart(self) -> charts.Figure | m.Html:
        """How many of Moscow's statements fall under each theme, by stance."""
        if self.claims.empty:
            return m.empty("No coded statements in this period.")
        chart = charts.theme_bars(self.claims, self.labels("theme"), self.labels("stance"))
        top = self.claims["theme"].value_counts()
        alt_text = (
            f"Bar chart of {len(self.claims)} Moscow statements about "
            f"{self.name(self.actor_id)} by theme, stacked by stance; the largest theme "
            f"is {self.label('theme', top.index[0])} with {int(top.iloc[0])}."
        )
        return self.figure(
            chart,
            f"Moscow's statements about {self.name(self.actor_id)} "
            f"by theme and stance, {self.period}.",
            alt_text,
        )

    def views_by_theme(self) -> m.Html:
        """Moscow's statements grouped under each theme of the codebook."""
        if self.claims.empty:
            return m.empty("No coded statements in this period.")
        parts = []
        for code, label in self.labels("theme").items():
            rows = self.claims[self.claims["theme"] == code]
            if len(rows):
                parts.append(m.tag("h3", m.esc(label)))
                parts.append(self.claim_list(rows, "", badge=False))
        return m.join(parts)

    def relations_section(self) -> m.Html:
        """Moscow's view of the actor's relations with each other actor."""
        if self.relations.empty:
            return m.empty("The data relate this actor to no other in this period.")
        parts = []
        for other in _ordered(self.relations["other_id"], self.dataset):
            rows = self.relations[self.relations["other_id"] == other]
            parts.append(m.tag("h3", m.esc(f"With {self.name(other)}")))
            parts.append(self.claim_list(rows, "", badge=False))
        return m.join(parts)

    def expectations_section(self) -> m.Html:
        """Expectations and scenarios, with horizon, likelihood and signposts (in a summary,
        the three Moscow holds most likely)."""
        if self.expectations.empty:
            return m.empty("The data hold no expectations about this actor for the period.")
        shown = self.expectations
        if self.options.detail == "summary":
            shown = shown.head(SUMMARY_EXPECTATIONS)
        return expectations_table(self, shown, self.signposts)

    def wants_section(self) -> m.Html:
        """What Moscow wants from or for the actor."""
        return self.claim_list(
            self.wants,
            "The review reports no explicit Moscow prescription "
            "concerning this actor in this period.",
            badge=False,
        )

    def reviewer_section(self) -> m.Html:
        """Where the reviewing author's own judgment differs from the book."""
        return self.claim_list(
            self.reviewer_claims,
            "The reviewer adds no judgment of their own on this actor in this period.",
        )

    def questions(self, section: str) -> m.Html:
        """Discussion questions after a section (student and instructor editions)."""
        from russian_views import teaching

        return teaching.questions(self, section)

    def answers(self, section: str) -> m.Html:
        """Suggested answers drawn from the data (instructor edition)."""
        from russian_views import teaching

        return teaching.answers(self, section)

    def passages(self) -> m.Html:
        """Every passage the briefing's sections cite (the summary's only), in full."""
        if self.options.detail == "summary":
            bottom = pd.DataFrame(
                m.cited_in(str(self.bottom_line())), columns=queries.CITATION_COLUMNS
            )
            shown = self.expectations.head(SUMMARY_EXPECTATIONS)
            posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
            return self.passages_for(bottom, shown, posts, self.wants)
        return self.passages_for(
            self.claims,
            self.reviewer_claims,
            self.events,
            self.relations,
            self.expectations,
            self.signposts,
            self.wants,
        )


def _ordered(actor_ids: pd.Series, dataset: Dataset) -> list[str]:
    """Distinct actor ids in the actors table's order."""
    present = set(actor_ids)
    return [a for a in dataset.actors["actor_id"] if a in present]


def events_table(briefing: Briefing, events: pd.DataFrame) -> m.Html:
    """Events as a table: date (with its basis), event, what happened, Moscow's framing."""
    rows = []
    for _, e in events.iterrows():
        date = m.esc(e["date"])
        if e["date_basis"] != "stated":
            date += m.tag(
                "span",
                m.esc(briefing.label("date_basis", e["date_basis"]).lower()),
                class_="meta",
                title=e["note"] or None,
            )
        title = m.tag("strong", m.esc(e["event_title"]))
        if not e["occurred"]:
            title += " " + m.tag("span", "did not happen", class_="badge not-happened")
        rows.append(
            [
                date,
                title,
                m.esc(e["what_happened"]),
                m.esc(e["framing"]) + " " + m.quoted(e["quote"]),
                briefing.cite(e),
            ]
        )
    return m.table(
        ["Date", "Event", "What happened", "How Moscow framed it", "Source"],
        rows,
        class_="data events",
    )


def expectations_table(
    briefing: Briefing, expectations: pd.DataFrame, signposts: pd.DataFrame
) -> m.Html:
    """Expectations with their horizon, likelihood and signposts."""
    rows = []
    for _, x in expectations.iterrows():
        marks = signposts[signposts["expectation_ref"] == x["expectation_id"]]
        posts = [
            f"{m.esc(briefing.label('effect', s['effect']))}: {m.esc(s['signpost'])} "
            f"{briefing.cite(s)}"
            for _, s in marks.iterrows()
        ]
        outlook = (
            m.view_badge(x["view"], briefing.label("view", x["view"]))
            + " "
            + m.esc(x["statement"])
            + " "
            + m.quoted(x["quote"])
            + " "
            + briefing.cite(x)
        )
        rows.append(
            [
                outlook,
                m.esc(x["horizon"]),
                m.esc(briefing.label("likelihood", x["likelihood"])),
                m.bullets(posts) if posts else m.esc("—"),
            ]
        )
    return m.table(
        ["Expectation", "Horizon", "Likelihood", "Signposts"], rows, class_="data expectations"
    )
