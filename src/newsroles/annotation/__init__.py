"""The annotation loop: choose sentences for annotators (select), hand them over and read
them back in Label Studio's formats or a CSV (formats), and merge the labels into the gold
set without overwriting anything (merge)."""
