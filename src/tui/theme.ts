import { createContext, useContext } from 'react';

type Hue = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'magenta' | 'blue';

/** Whether colour is on (off with NO_COLOR); components ask through `useHue` instead of passing colours directly. */
export const ColorContext = createContext(true);

/** A colour for ink's `color` prop, or undefined when colour is off: bold, dim and layout stay. */
export function useHue(): (hue: Hue) => Hue | undefined {
  const color = useContext(ColorContext);
  return (hue) => (color ? hue : undefined);
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
export const spinnerFrame = (frame: number): string => SPINNER[frame % SPINNER.length]!;
