/** Waits until the UI has caught up with what the test did (input is parsed and rendered asynchronously). */
export async function waitFor(check: () => void, attempts = 200): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      check();
      return;
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
