"""The words of the public search documents: what "Did you mean …" may suggest.

Kept by cases.search.refresh_search_words() (the `refresh_search_words` command) from
ts_stat over the public incidents' text; read by cases.search.did_you_mean(). Only words
of public records are in it, and a suggestion is offered only if it finds a public
incident when it is offered, so a stale table never suggests a word that has left the
public records.
"""

from django.db import models


class SearchWord(models.Model):
    word = models.CharField(max_length=60, primary_key=True)
    documents = models.PositiveIntegerField(help_text="Public incidents containing the word.")

    class Meta:
        indexes = [
            # candidates of a misspelled word: its first letter, a similar length
            models.Index(
                models.functions.Left("word", 1),
                models.functions.Length("word"),
                name="searchword_first_length_idx",
            )
        ]

    def __str__(self) -> str:
        return self.word
