"""Exact prediction of docker rmi and docker image prune, per image store, and the what-if stack over it."""
