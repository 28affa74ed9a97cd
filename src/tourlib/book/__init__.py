"""What every chapter shares: its setup, numbers written for readers, glue, and live sections.

=============  ==================================================================================
``setup``      :func:`chapter_setup`: threads, the book's seed, one seeded generator
``numbers``    numbers for prose: :func:`number`, :func:`count`, :func:`percent`, :func:`tiny`,
               :func:`agreement`, :func:`pvalue`, :func:`listing`, :func:`class_phrase`
``glue``       :func:`glue_text` (a formatted string under a name, never ``np.float64(…)``)
``live``       :func:`live_section`: controls, run button and output; a sentence in the static book
=============  ==================================================================================
"""

from .setup import SEED, THREADS, BookSettings, chapter_setup  # first: sets the threads before numpy loads
from .glue import glue_all, glue_text
from .live import LiveSection, live_section
from .numbers import agreement, class_phrase, count, listing, number, percent, power_of_ten, pvalue, text, tiny

__all__ = ["SEED", "THREADS", "BookSettings", "chapter_setup", "glue_text", "glue_all", "LiveSection",
           "live_section", "number", "count", "percent", "tiny", "agreement", "pvalue", "listing",
           "class_phrase", "power_of_ten", "text"]
