"""Language-model providers: the chat model from Settings, retries, timeouts, structured output."""
