"""Language data of English news, apart from the algorithms that use it (one copy of each list).

- :mod:`.numbers`: number words, scales, currencies, units, and :func:`~storyline.lang.numbers.read_quantity` /
  :func:`~storyline.lang.numbers.find_numbers`, the one reader of written numbers and quantities that reading,
  comparison and the brief's checker share ("£2mn" is 2,000,000 GBP everywhere);
- :mod:`.calendar`: months and weekdays;
- :mod:`.words`: honorifics, speech verbs, update cues, stop words.
"""
