// The open/closed state of a drop-down menu: opens and closes from its button, closes on
// Escape (giving the focus back to the button), on a press outside the menu, and after a
// choice (chosen(), which also calls onNavigate).
import { useEffect, useRef, useState } from 'preact/hooks';

export function useMenu(onNavigate) {
    const [open, setOpen] = useState(false);
    const root = useRef(null);
    const button = useRef(null);

    useEffect(() => {
        if (!open) return undefined;
        function onDown(e) {
            if (root.current && !root.current.contains(e.target)) setOpen(false);
        }
        function onKey(e) {
            if (e.key === 'Escape') {
                setOpen(false);
                if (button.current) button.current.focus();
            }
        }
        document.addEventListener('mousedown', onDown);
        document.addEventListener('keydown', onKey);
        return () => {
            document.removeEventListener('mousedown', onDown);
            document.removeEventListener('keydown', onKey);
        };
    }, [open]);

    function chosen() {
        setOpen(false);
        if (onNavigate) onNavigate();
    }

    return { open, toggle: () => setOpen(!open), root, button, chosen };
}
