"""统计分析: cross-unit summaries and charts, 共性问题 clusters and 屡查屡犯 repeats."""
