"""The people import, a room of its own: ``reader`` reads and checks a CSV
(pure, no database), ``services`` runs the dry run and the commit, and
``views`` / ``urls`` are HR's pages for it. The API's viewset sits with the
rest of the people API."""
