"""Review: team review of a draft, the shared comments of ``review.yaml`` and what changed.

One package for the feature: ``comments`` (reading and writing ``review.yaml``),
``blocks`` (what a comment can be about, from the parsed body), ``place`` (where a comment
sits now), ``store`` (changes by several reviewers at once), ``changes`` ("Show changes"),
``board`` (what the review API answers), ``check`` (open comments as W801–W803) and
``hold`` (mail held while comments are open, E803/E804). It sits after ``weekly.check``
and before ``weekly.render``: the draft page and the preview use it, it never renders.
"""
