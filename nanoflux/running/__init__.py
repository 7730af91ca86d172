"""Running the notebooks: the machinery between a parameters cell and the files in ``figures/``.

- ``parameters``: each notebook's validator and the paper's default values;
- ``outputs``: the one output rule (where a run's files go, for every way a notebook runs);
- ``notebook``: what a notebook calls first (``notebook.start``), and how it writes and shows results;
- ``stored``: which files the stored notebooks are, what they declare, and the form they are stored in;
- ``values``, ``plan``: ``--set`` values typed by each notebook's declaration, and the run planned;
- ``kernels``, ``runner``: kernels started, reused and killed; ``nanoflux reproduce`` itself;
- ``publish``: a run's files published all or nothing; ``signals``: how Ctrl-C and SIGTERM stop a run.
"""
