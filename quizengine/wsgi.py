"""The app as gunicorn serves it (``gunicorn 'quizengine.wsgi:app'``): built once per worker,
then frozen out of the garbage collector's walks.

A worker's imports and app (SQLAlchemy's mappers, Flask's and Jinja's machinery, the
translations) are some 150,000 objects that live as long as the worker. CPython's full
collection walks every tracked object: 60-140 ms here, paid by whichever request triggers it
(one that builds a board for 5,000 participants triggers one every two or three calls). After
``gc.freeze()`` the collector never walks what exists at that moment again; what requests
create is collected as before. ``python -m bench.profile MODE --freeze-gc`` shows the
difference in the slowest requests.
"""

from __future__ import annotations

import gc

from quizengine import create_app

app = create_app()
gc.collect()  # the garbage of building it goes now rather than being frozen with the rest
gc.freeze()
