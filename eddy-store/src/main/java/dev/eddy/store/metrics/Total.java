package dev.eddy.store.metrics;

/**
 * A name of a per-minute view with the sum of its counts over a range of minutes: for pages, the
 * page and its views. Distinct users have no such sum: a user seen in two minutes is one user of
 * both, but counts in each.
 */
public record Total(String name, long count) {}
