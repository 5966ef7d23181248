"""Stage 1 and 2: read a study folder and build its typed model.

``reader`` reads the files (study.yaml, participants.csv, people.csv) with every value's place;
``schemas`` checks them against the study format, declared once in ``schemas/``; ``builder``
makes the :class:`~svrdf.study.model.Study` of ``model``, refusing what the model cannot hold.
Nothing here builds a triple.
"""
