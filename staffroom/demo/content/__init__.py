"""Demo content: what the demo hospital's staff have written, read and answered.

Steps (appended to staffroom.demo.services.DEMO_STEPS, run in this order):
channels.build_channels, strategy.build_strategic_plan, posts.build_posts,
videos.build_videos (video posts through the real pipeline; needs ffmpeg),
discussion.build_discussion, bulk.build_bulk_content (the `large` size only),
safety.build_safety, ideas.build_ideas (the idea box) and ideas_bulk.build_bulk_ideas (the
`large` size only).
The written words are in *_texts.py; specs.py says how they name people.
"""
