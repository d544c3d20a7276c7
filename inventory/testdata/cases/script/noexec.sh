#!/bin/sh
echo '{"g": ["x"]}'
