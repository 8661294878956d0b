"""Demo and benchmark data (a plain package, not a Django app).

- `company.build_demo_company` builds the realistic demo company of `presales demo_data`;
- `bench_data.generate` fills a database fast for `presales bench`, and `bench_measure` measures it.

Both write with bulk inserts, bypassing the services: they create a consistent past (events, numbers
and history included) instead of replaying it through the workflow, which would take minutes.
"""
